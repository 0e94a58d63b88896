/**
 * Tributary's connector SPI: how the hub reads from and writes to an external system. This
 * module depends on the JDK alone; a connector author needs it and {@code
 * tributary-connector-testkit}, nothing else.
 *
 * <h2>Writing a connector, step by step</h2>
 *
 * The memory connector ({@code dev.tributary.connectors.memory.MemoryConnector}) is the worked
 * example; {@code docs/connectors.md} walks through it.
 *
 * <ol>
 *   <li><b>Declare your settings.</b> Implement {@link dev.tributary.connector.Connector} and
 *       return a {@link dev.tributary.connector.config.ConfigDef} from {@code configDef()}: each
 *       setting with its type, whether it is required, a default, a description, and
 *       {@code secret(…)} for passwords. The runtime validates what users give against it and
 *       reports every problem at once; you never see invalid settings.</li>
 *   <li><b>Start and stop.</b> {@code init(config)} receives the validated settings (secrets as
 *       {@link dev.tributary.connector.config.Secret}, which never prints itself); open what you
 *       need lazily, and release it in {@code dispose()}. {@code test()} checks that the system
 *       answers.</li>
 *   <li><b>Pick your capabilities.</b> Implement only what the system can do, one interface each:
 *       {@link dev.tributary.connector.SyncOp} (changes since a token), {@link
 *       dev.tributary.connector.SearchOp} (list in pages, read one), {@link
 *       dev.tributary.connector.CreateOp}, {@link dev.tributary.connector.UpdateOp}, {@link
 *       dev.tributary.connector.DeleteOp} (each write names the version it expects), {@link
 *       dev.tributary.connector.SchemaOp}, {@link dev.tributary.connector.ClockOp}. The engine
 *       never calls what you do not implement.</li>
 *   <li><b>Sync.</b> In {@code sync(objectClass, token, handler, options)} deliver every change
 *       after {@code token} (everything for {@code null}) as a {@link
 *       dev.tributary.connector.SyncDelta}, in order, each with the token that resumes right
 *       after it; stop as soon as the handler returns false; finish by handing the final token
 *       to a {@link dev.tributary.connector.SyncTokenResultsHandler}. Choose tokens that make
 *       resuming exact: the hub stores the token of the last delta it made durable and resumes
 *       from it after a crash. Throw {@link dev.tributary.connector.InvalidSyncTokenException}
 *       when a token can no longer be honored — the engine then reconciles in full.</li>
 *   <li><b>Guard writes with versions.</b> Give every object a version (an opaque string that
 *       changes with every change) and check the expected version in the same step as the write;
 *       throw {@link dev.tributary.connector.VersionConflictException} and change nothing when it
 *       differs.</li>
 *   <li><b>Fail honestly.</b> Throw {@link dev.tributary.connector.ConnectorIOException} (or
 *       anything implementing {@link dev.tributary.connector.RetryableException}) for what may
 *       work later, {@link dev.tributary.connector.ConnectorException} for the rest. Do not
 *       retry: the engine does.</li>
 *   <li><b>Register.</b> Implement {@link dev.tributary.connector.ConnectorProvider} and list it
 *       in {@code META-INF/services/dev.tributary.connector.ConnectorProvider}.</li>
 *   <li><b>Prove it.</b> Extend {@code dev.tributary.connector.testkit.ConnectorContractTest}
 *       with a fixture for your system; it checks everything above.</li>
 * </ol>
 *
 * <p>Arguments arrive already checked: the runtime ({@link
 * dev.tributary.connector.runtime.GuardedConnector}) refuses null object classes and handlers,
 * normalizes options and checks capabilities before your code runs.
 */
package dev.tributary.connector;
