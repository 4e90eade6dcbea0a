// `npm run bench -- db`: the embedded engine's benchmark lives with the engine.
export { run } from '@negociation/mongo-engine/bench';
