package dev.sessionstarter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a second JVM that runs a main class on this JVM's classpath (under
 * Surefire, the test classpath), for the tests that work across processes.
 */
public final class ChildJvm {

	private ChildJvm() {
	}

	/**
	 * Return the command that runs a main class in a new JVM.
	 * @param options the new JVM's options, such as {@code -Xmx128m}
	 * @param main the main class
	 * @param arguments its arguments
	 * @return the command, a mutable list
	 */
	public static List<String> command(List<String> options, Class<?> main, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(java());
		command.addAll(options);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(main.getName());
		command.addAll(List.of(arguments));
		return command;
	}

	/**
	 * Return the {@code java} launcher of this JVM.
	 * @return its path
	 */
	public static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
