package dev.sessionstarter.serialization;

import java.util.List;

import org.springframework.util.Assert;

/**
 * An allow-list of class names, written as {@link java.io.ObjectInputFilter} patterns are:
 * {@code com.example.Cart} (one class), {@code com.example.*} (the classes of a package),
 * {@code com.example.**} (a package and its sub-packages) or {@code com.example.Cart*} (names
 * with that prefix). Arrays are allowed when their component type is; primitives always are.
 */
final class ClassNamePatterns {

	private final List<String> patterns;

	ClassNamePatterns(List<String> patterns) {
		for (String pattern : patterns) {
			Assert.isTrue(pattern != null && !pattern.isBlank() && !pattern.contains(";") && !pattern.startsWith("!"),
					() -> "Invalid allowed class pattern '" + pattern + "'");
		}
		this.patterns = patterns.stream().map(String::trim).toList();
	}

	/**
	 * Whether a class, named as {@link Class#getName()} names it, is allowed.
	 * @param className the class name
	 * @return {@code true} if a pattern matches it
	 */
	boolean matches(String className) {
		String name = componentName(className);
		if (name == null) {
			return true;
		}
		for (String pattern : this.patterns) {
			if (matches(pattern, name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean matches(String pattern, String name) {
		if (pattern.endsWith(".**")) {
			return name.startsWith(pattern.substring(0, pattern.length() - 2));
		}
		if (pattern.endsWith(".*")) {
			String prefix = pattern.substring(0, pattern.length() - 1);
			return name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0;
		}
		if (pattern.endsWith("*")) {
			return name.startsWith(pattern.substring(0, pattern.length() - 1));
		}
		return name.equals(pattern);
	}

	/**
	 * Return the name of an array's element class, or the name itself; {@code null} for a
	 * primitive element type.
	 */
	private static String componentName(String className) {
		int dimensions = 0;
		while (dimensions < className.length() && className.charAt(dimensions) == '[') {
			dimensions++;
		}
		if (dimensions == 0) {
			return className;
		}
		if (className.charAt(dimensions) == 'L' && className.endsWith(";")) {
			return className.substring(dimensions + 1, className.length() - 1);
		}
		return null;
	}

}
