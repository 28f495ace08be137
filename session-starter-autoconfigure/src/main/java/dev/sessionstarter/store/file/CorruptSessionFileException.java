package dev.sessionstarter.store.file;

/**
 * A session file that cannot be parsed: empty, truncated, or with bytes that do not match
 * its format. The store moves such a file to its quarantine folder.
 */
public class CorruptSessionFileException extends Exception {

	CorruptSessionFileException(String message) {
		super(message);
	}

	CorruptSessionFileException(String message, Throwable cause) {
		super(message, cause);
	}

}
