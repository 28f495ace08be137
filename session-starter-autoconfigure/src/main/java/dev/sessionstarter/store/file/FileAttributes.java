package dev.sessionstarter.store.file;

import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Owner-only permissions for the files and directories of the store, where the file system
 * has POSIX permissions; elsewhere the platform's defaults apply.
 */
public final class FileAttributes {

	private static final FileAttribute<?>[] NONE = {};

	private static final FileAttribute<?>[] OWNER_ONLY_FILE = {
			PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };

	private static final FileAttribute<?>[] OWNER_ONLY_DIRECTORY = {
			PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")) };

	private FileAttributes() {
	}

	/**
	 * Return the attributes that create a file readable and writable by its owner only.
	 * @param path the file to create
	 * @return the attributes, none where the file system has no POSIX permissions
	 */
	public static FileAttribute<?>[] ownerOnlyFile(Path path) {
		return isPosix(path) ? OWNER_ONLY_FILE : NONE;
	}

	/**
	 * Return the attributes that create a directory usable by its owner only.
	 * @param path the directory to create
	 * @return the attributes, none where the file system has no POSIX permissions
	 */
	public static FileAttribute<?>[] ownerOnlyDirectory(Path path) {
		return isPosix(path) ? OWNER_ONLY_DIRECTORY : NONE;
	}

	private static boolean isPosix(Path path) {
		return path.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

}
