import { assessBranch } from './branch.ts';
import { assessCompany } from './company.ts';
import { assessExtension } from './extension.ts';
import { inFrench } from './format.ts';
import type { Assessment, Scenario } from './scenario.ts';

/** The assessment of a parsed scenario: the agreement's validity, then its extension if any. */
export function assess(scenario: Scenario): Assessment {
  const assessment = scenario.level === 'branch' ? assessBranch(scenario) : assessCompany(scenario);
  if (!scenario.extension) return assessment;
  const { extension, reasons } = assessExtension(scenario, scenario.extension, assessment.status);
  return { ...assessment, reasons: [...assessment.reasons, ...reasons.map(inFrench)], reasonCodes: [...assessment.reasonCodes, ...reasons], extension };
}
