// Run by restore-in-new-process.test.ts in a process of its own: restores the snapshot file given as the first
// argument on a new virgl instance, draws one frame with the constants given as the following arguments, and
// writes the target's pixels to the file given second.
import { readFileSync, writeFileSync } from "node:fs";
import { makeVirgl } from "../helpers.ts";
import { draw, reattach } from "./scene.ts";

const [snapshotFile, pixelsFile, ...constants] = process.argv.slice(2);
const { rutabaga } = makeVirgl();
rutabaga.destroyContext(1);
rutabaga.restore(new Uint8Array(readFileSync(snapshotFile!)));
const target = reattach(rutabaga);
writeFileSync(pixelsFile!, draw(rutabaga, target, constants.map(Number)));
rutabaga.destroy();
