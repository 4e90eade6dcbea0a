import { defineMessages } from '../lib/messages.ts';

export const verifyMessages = defineMessages(
  {
    'verifier.title': 'Vérifier un accord signé',
    'verifier.intro': 'Déposez un fichier exporté de l’espace (PDF, DOCX, JSON ou XML) : vous saurez s’il est authentique, à l’octet près, et où en est l’accord aujourd’hui. Aucune connexion n’est nécessaire ; le fichier n’est pas conservé.',
    'verifier.drop': 'Glissez-déposez le fichier ici, ou cliquez pour le choisir.',
    'verifier.checking': 'Vérification de « {name} »…',
    'verifier.file': 'Fichier « {name} »',
  },
  {
    'verifier.title': 'Verify a signed agreement',
    'verifier.intro': 'Drop a file exported from the workspace (PDF, DOCX, JSON or XML): you will learn whether it is authentic, to the byte, and where the agreement stands today. No sign-in needed; the file is not kept.',
    'verifier.drop': 'Drag and drop the file here, or click to choose it.',
    'verifier.checking': 'Checking “{name}”…',
    'verifier.file': 'File “{name}”',
  },
);
