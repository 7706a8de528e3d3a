package io.github.lwm2mportfolio.server.rest;

import java.nio.file.Files;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The REST API's only listener when HTTPS is on: TLS with the operator's PKCS#12 key store, HTTP/1.1 inside. */
final class HttpsConnector {

    private HttpsConnector() {
    }

    static ServerConnector create(Server server, HttpConfiguration http, RestSettings settings) {
        RestSettings.Https https = settings.https();
        if (!Files.isReadable(https.keyStore())) {
            throw new IllegalArgumentException("HTTPS key store " + https.keyStore() + ": not found or not readable");
        }
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(https.keyStore().toAbsolutePath().toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(new String(https.password()));
        HttpConfiguration secure = new HttpConfiguration(http);
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setSniHostCheck(false); // clients may reach the server by an address its certificate lacks
        secure.addCustomizer(customizer);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(secure));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        return connector;
    }
}
