// Configuration read by the Coder Platform scaffolder actions. Each group of
// actions documents its keys below.
export interface Config {}
