// A SaddleService as the tests use it: the built worker and examples, a private recent-projects
// list, no live point events unless asked; every option can be overridden.
import { SaddleService, type ServiceOptions } from '../../src-main/core/service';
import { RecentProjects } from '../../src-main/core/recent';
import { examplesDir, tempDir, workerFile } from './paths';

export function testService(options: Partial<ServiceOptions> = {}): SaddleService {
  return new SaddleService({
    appVersion: '0.0.0-test',
    host: 'cli',
    workerFile,
    examplesDir,
    poolSize: 2,
    recent: new RecentProjects(tempDir('saddle-config-')),
    liveEvents: false,
    ...options,
  });
}
