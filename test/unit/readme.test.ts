import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { envSchema } from '../../shared/config';

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every environment variable of the config schema', () => {
    const missing = Object.keys(envSchema.shape).filter((k) => !readme.includes(`\`${k}\``));
    expect(missing, 'add them to the Configuration table').to.deep.equal([]);
  });

  it('gives npm start and npm test first, and .ci/run runs npm test', () => {
    const firstScreen = readme.split('\n').slice(0, 15).join('\n');
    expect(firstScreen).to.include('npm start').and.include('npm test');
    expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8')).to.match(/^npm test$/m);
  });
});
