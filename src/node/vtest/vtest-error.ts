/** Why a client is dropped: a malformed or refused message (vtest answers errors by closing the connection). */
export class VtestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VtestError";
  }
}
