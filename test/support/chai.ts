import { use } from 'chai';
import chaiAsPromised from 'chai-as-promised';

/** Loaded by .mocharc for every tier: `await expect(promise).to.be.rejectedWith(…)`. */
use(chaiAsPromised);
