package dev.sessionstarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web application whose HTTP sessions session-starter keeps: a visit counter
 * ({@link VisitController}) and a cart ({@link CartController}). The store and its bound are
 * set in {@code application.yml}; {@code /actuator/sessionstore} shows what the store holds.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Start the application.
	 * @param args the command line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
