package dev.sessionstarter.store.file;

/**
 * How the {@code file} store writes a session file.
 */
public enum FileFormat {

	/**
	 * A compact binary layout with a checksum ({@code <id>.session}); attribute values are
	 * kept as the serializer encoded them.
	 */
	BINARY(".session"),

	/**
	 * An indented JSON document a person can read ({@code <id>.json}); attribute values must be
	 * JSON, as the {@code json} serializer writes them, and are embedded as JSON.
	 */
	JSON(".json");

	private final String extension;

	FileFormat(String extension) {
		this.extension = extension;
	}

	/**
	 * Return the file name extension of session files in this format.
	 * @return the extension, with its dot
	 */
	public String extension() {
		return this.extension;
	}

}
