package io.chatgw.monitor;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens the runtime monitor's dedicated PostgreSQL connection for LISTEN (one at a time, held open). */
@FunctionalInterface
public interface ListenConnections {
    Connection open() throws SQLException;
}
