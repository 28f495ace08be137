package dev.sessionstarter.daemon.protocol;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DaemonAddressTests {

	@Test
	void aNumberIsAPortOnTheLoopbackInterface() {
		DaemonAddress address = DaemonAddress.parse("7070");
		assertThat(address.isUnixSocket()).isFalse();
		assertThat(address.port()).isEqualTo(7070);
		assertThat(address.socketAddress()).isInstanceOfSatisfying(InetSocketAddress.class,
				(socket) -> assertThat(socket.getAddress().isLoopbackAddress()).isTrue());
		assertThat(address).hasToString("127.0.0.1:7070");
	}

	@Test
	void aPathIsAUnixSocketResolvedFromTheWorkingDirectory() {
		DaemonAddress address = DaemonAddress.parse("run/sessions.sock");
		assertThat(address.isUnixSocket()).isTrue();
		assertThat(address.path()).isEqualTo(Path.of("run/sessions.sock").toAbsolutePath());
		assertThat(address.socketAddress()).isInstanceOf(UnixDomainSocketAddress.class);
		assertThat(address.toString()).startsWith("unix:/");
	}

	@Test
	void rejectsPortsOutOfRangeAndBlankValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> DaemonAddress.parse("0"));
		assertThatIllegalArgumentException().isThrownBy(() -> DaemonAddress.parse("65536"));
		assertThatIllegalArgumentException().isThrownBy(() -> DaemonAddress.parse("99999999999"));
		assertThatIllegalArgumentException().isThrownBy(() -> DaemonAddress.parse(" "));
	}

}
