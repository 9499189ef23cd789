export { default } from './alpha/index';
