// What the build's plugins read of the syntax tree Vite's parser gives them (ESTree nodes): a
// node's type, its span in the code, and its other fields, read as each plugin needs them.
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}
