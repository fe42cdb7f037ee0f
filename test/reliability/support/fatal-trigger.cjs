// Preloaded (`node --require`) into the built service by the fatal-errors test. On SIGUSR2 it plants the fault
// a bug in a handler or a library would cause: a throw from a timer callback (FATAL_MODE=exception) or a
// rejected promise nobody handles (FATAL_MODE=rejection). main.ts must log it and end the process.
'use strict';
process.on('SIGUSR2', () => {
  setTimeout(() => {
    if (process.env.FATAL_MODE === 'rejection') {
      void Promise.reject(new Error('planted unhandled rejection'));
    } else {
      throw new Error('planted uncaught exception');
    }
  }, 0);
});
