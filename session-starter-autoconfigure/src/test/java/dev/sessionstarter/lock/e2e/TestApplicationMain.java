package dev.sessionstarter.lock.e2e;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * The main class of a {@link TestApplicationProcess}: arguments are the application class, its web
 * application type, then its own arguments. It installs BlockHound in a reactive application,
 * prints the port once the application listens, and stops when its standard input ends (when
 * the test closes it, or dies), or after ten minutes at the most.
 */
public final class TestApplicationMain {

	static final String PORT_LINE = "test application listening on port ";

	private TestApplicationMain() {
	}

	public static void main(String[] args) throws ClassNotFoundException {
		WebApplicationType type = WebApplicationType.valueOf(args[1]);
		if (type == WebApplicationType.REACTIVE) {
			installBlockHound();
		}
		Thread stdin = new Thread(() -> {
			try {
				while (System.in.read() != -1) {
					// nothing is sent: wait for the end
				}
			}
			catch (IOException ex) {
				// the end all the same
			}
			System.exit(0);
		});
		Thread deadline = new Thread(() -> {
			try {
				Thread.sleep(TimeUnit.MINUTES.toMillis(10));
			}
			catch (InterruptedException ex) {
				return;
			}
			System.exit(1);
		});
		for (Thread watch : List.of(stdin, deadline)) {
			watch.setDaemon(true);
			watch.start();
		}
		SpringApplication application = new SpringApplication(Class.forName(args[0]));
		application.setWebApplicationType(type);
		application.addListeners((ApplicationListener<ApplicationEvent>) (event) -> {
			if (event instanceof WebServerInitializedEvent initialized) {
				System.out.println(PORT_LINE + initialized.getWebServer().getPort());
			}
		});
		application.run(List.of(args).subList(2, args.length).toArray(String[]::new));
	}

	private static void installBlockHound() {
		BlockHound.builder().loadIntegrations().blockingMethodCallback((method) -> {
			System.out.println(TestApplicationProcess.BLOCKING_CALL + method);
			new Exception("blocking call").printStackTrace(System.out);
			throw new BlockingOperationError(method);
		}).install();
	}

}
