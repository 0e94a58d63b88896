package dev.tributary.connectors.connid;

import org.identityconnectors.common.logging.Log;
import org.identityconnectors.common.logging.LogSpi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the ConnId framework's and bundles' logging to the hub's log (SLF4J) instead of standard
 * output: ConnId's OK level is debug, INFO info, WARN warn, ERROR error. Installed before the
 * first bundle is loaded, unless the host already chose a ConnId log implementation.
 */
public final class ConnIdLogging implements LogSpi {

    static void install() {
        if (System.getProperty(Log.LOGSPI_PROP) == null) {
            System.setProperty(Log.LOGSPI_PROP, ConnIdLogging.class.getName());
        }
    }

    @Override
    public void log(Class<?> type, String method, Log.Level level, String message, Throwable cause) {
        Logger logger = LoggerFactory.getLogger(type);
        switch (level) {
            case ERROR -> logger.error(message, cause);
            case WARN -> logger.warn(message, cause);
            case INFO -> logger.info(message, cause);
            default -> logger.debug(message, cause);
        }
    }

    @Override
    public void log(Class<?> type, StackTraceElement caller, Log.Level level, String message, Throwable cause) {
        log(type, caller == null ? null : caller.getMethodName(), level, message, cause);
    }

    @Override
    public boolean isLoggable(Class<?> type, Log.Level level) {
        Logger logger = LoggerFactory.getLogger(type);
        return switch (level) {
            case ERROR -> logger.isErrorEnabled();
            case WARN -> logger.isWarnEnabled();
            case INFO -> logger.isInfoEnabled();
            default -> logger.isDebugEnabled();
        };
    }

    @Override
    public boolean needToInferCaller(Class<?> type, Log.Level level) {
        return false;
    }
}
