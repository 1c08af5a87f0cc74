/**
 * Moved to `./sql.js` (the one raw-SQL and prepared-statement module). This re-export keeps the imports of the list
 * queries being rewritten on other branches (intake list, queue list) working; remove it once they import `./sql.js`.
 */
export { pgPool, preparedRows } from './sql.js';
