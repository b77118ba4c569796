// `npm run bench`: every capability's figures, as ratios against baselines measured in this run.
import { benchFig2 } from './fig2';
import { benchStorage } from './storage';
import { printFigures } from './figures';

const root = process.env.SADDLE_BENCH_ROOT;
if (!root) throw new Error('SADDLE_BENCH_ROOT is not set: run `npm run bench`');
printFigures('Mode flow, Fig. 2 sweep', await benchFig2(root));
printFigures('Storage', await benchStorage());
