// Runs until SIGTERM or SIGINT, then stops cleanly once; a second signal forces the exit.
export function untilSignal(stop: () => Promise<void>, log: (msg: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      log(`${signal}: stopping`);
      stop().then(
        () => resolve(0),
        (err) => {
          log(`error while stopping: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
