import { reportCommand } from './report.js';

export default reportCommand('session');
