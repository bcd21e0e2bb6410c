package dev.patchbay.jmeter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;
import org.apache.jmeter.JMeter;

/**
 * JMeter's command line without {@code NewDriver} (which builds its class path from a JMeter
 * installation's {@code lib/}): the test's class path already holds JMeter 5.6.3 and the plugin.
 * With RMI SSL off JMeter leaves RMI's sockets to the JDK, which listens on every interface;
 * here every RMI server socket listens on 127.0.0.1 only.
 */
public final class JMeterMain {
  private JMeterMain() {}

  public static void main(String[] args) throws IOException {
    RMISocketFactory.setSocketFactory(new RMISocketFactory() {
      @Override
      public Socket createSocket(String host, int port) throws IOException {
        return new Socket(host, port);
      }

      @Override
      public ServerSocket createServerSocket(int port) throws IOException {
        return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      }
    });
    new JMeter().start(args);
  }
}
