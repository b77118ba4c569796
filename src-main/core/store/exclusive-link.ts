// Giving a finished file a name only if that name is free, on any file system: of two processes
// racing for one name one wins and the other gets EEXIST, and neither ever sees half a file.
import fs from 'node:fs';

/** Codes of file systems that have no hard links (FAT, some network shares). */
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EXDEV']);

/**
 * Hard-links the finished `temporaryPath` to `filePath`, or, where there are no hard links,
 * copies it there with COPYFILE_EXCL. Throws EEXIST when `filePath` exists. Returns whether it
 * copied (the copy is a new file, not yet on disk). The temporary file stays; the caller removes it.
 */
export function linkExclusive(temporaryPath: string, filePath: string): 'linked' | 'copied' {
  try {
    fs.linkSync(temporaryPath, filePath);
    return 'linked';
  } catch (error) {
    if (!noHardLinks.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    fs.copyFileSync(temporaryPath, filePath, fs.constants.COPYFILE_EXCL);
    return 'copied';
  }
}
