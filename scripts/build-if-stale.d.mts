/** Whether dist/ is missing or older than some file under src/. */
export function distIsStale(): boolean;
/** Runs `npm run build` when {@link distIsStale}; exits the process with npm's status if the build fails. */
export function buildIfStale(): void;
