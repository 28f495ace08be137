/**
 * Servlet and WebFlux filters that turn session store failures into clear responses.
 */
@NullMarked
package dev.sessionstarter.web;

import org.jspecify.annotations.NullMarked;
