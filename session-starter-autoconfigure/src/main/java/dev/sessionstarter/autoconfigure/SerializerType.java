package dev.sessionstarter.autoconfigure;

/**
 * The encodings {@code sessions.serializer} can select for session attribute values.
 */
public enum SerializerType {

	/**
	 * JDK serialization under an allow-list, with compact forms for strings and boxed numbers.
	 */
	JAVA,

	/**
	 * JSON a person can read (Jackson), with an allow-list of the types it creates.
	 */
	JSON

}
