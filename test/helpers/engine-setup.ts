import { enableRelaxedSimd } from '../../workers/numeric/relaxed-simd';

enableRelaxedSimd();
