package org.elibrary.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchRoundsTest {
    @Test
    void runsGetTheHeapVmOptionsAndPropertiesButNoDebuggerRecorderOrPrinting() {
        assertThat(BenchRounds.jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Dbench.x=1",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-Xrunjdwp:transport=dt_socket",
                "-XX:StartFlightRecording=filename=a.jfr", "-Xlog:gc", "-XX:+PrintCompilation", "-javaagent:agent.jar",
                "-agentpath:/tmp/libasyncProfiler.so=start")))
                .containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-Dbench.x=1");
    }

    @Test
    void runsGetNativeAccessWhereTheJdkHasTheOption() {
        assertThat(BenchRounds.nativeAccess(17)).isEmpty();
        assertThat(BenchRounds.nativeAccess(21)).isEmpty();
        assertThat(BenchRounds.nativeAccess(22)).containsExactly("--enable-native-access=ALL-UNNAMED");
        assertThat(BenchRounds.nativeAccess(25)).containsExactly("--enable-native-access=ALL-UNNAMED");
    }
}
