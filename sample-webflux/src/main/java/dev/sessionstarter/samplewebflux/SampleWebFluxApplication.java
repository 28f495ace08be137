package dev.sessionstarter.samplewebflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The WebFlux sample: a visit counter in the session, kept by the store {@code sessions.store}
 * selects (memory by default; the {@code file} and {@code daemon} profiles select others).
 */
@SpringBootApplication
public class SampleWebFluxApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleWebFluxApplication.class, args);
	}

}
