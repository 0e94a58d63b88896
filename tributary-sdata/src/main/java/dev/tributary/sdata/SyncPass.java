package dev.tributary.sdata;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One catch-up pass of SData synchronization (SData 5.1–5.3) from a source resource kind to a
 * target one: read the target's digest, ask the source for what the target lacks, page through
 * the source feed handing each page to the target, count the outcomes, and end the source's
 * selection, also after a failure. A side is a provider over HTTP ({@link HttpSide}) or, for the
 * hub's own resource kinds, the hub itself in process.
 */
public final class SyncPass {

    /** One end of a pass: a resource kind that has a digest, can select what another lacks, and can apply a page. */
    public interface Side {

        /** The resource kind's digest. */
        Digest digest();

        /** Where its digest can be read, as a $syncSource request names the target's. */
        String digestUrl();

        /** Selects what a target with this digest lacks; the selection ends when closed. */
        Source select(Digest target, String targetDigestUrl);

        /** Applies a page of another side's feed; answers its result entries (with outcomes). */
        SyncFeed apply(Page page);
    }

    /** A selection being read, page by page. */
    public interface Source extends AutoCloseable {

        /** The first page, of up to {@code count} entries. */
        Page first(int count);

        /** The page after {@code previous} (whose feed has a next link). */
        Page next(Page previous);

        /** Ends the selection (a context deleted, a budget given back). */
        @Override
        void close();
    }

    /** A page of a source feed, parsed and as written. */
    public record Page(SyncFeed feed, byte[] xml) {
    }

    /**
     * What a pass did.
     *
     * @param stopped why the pass stopped before the source's last page (the target failed
     *     entries of a page: see {@link #run}), or null when it went through
     */
    public record Result(int pages, int entries, int applied, int notApplied, int conflictsLost, int failed,
            String stopped) {
    }

    /** A pass that could not be completed: the provider's status and diagnosis. */
    public static final class PassException extends RuntimeException {
        public PassException(String message) {
            super(message);
        }
    }

    private final int pageSize;

    /** @param pageSize entries per page read from the source (each {@link HttpSide} has its own timeout) */
    public SyncPass(int pageSize) {
        this.pageSize = pageSize;
    }

    /**
     * Runs a pass; {@code progress} hears one line per step. A page in which the target failed
     * entries (a 5xx outcome: it could not apply them, or left them unprocessed after a failure)
     * is the pass's last: the target's digest has not passed them, but the later pages' entries
     * and the end of the catch-up would raise it over them, and they would not be sent again until
     * they changed. The result then says why it stopped (also when that page was the last); the
     * next pass sends them again.
     */
    public Result run(Side source, Side target, Consumer<String> progress) {
        Digest targetDigest = target.digest();
        progress.accept("target digest: " + targetDigest.entries().size() + " endpoints");
        int pages = 0;
        int entries = 0;
        int applied = 0;
        int notApplied = 0;
        int lost = 0;
        int failed = 0;
        String stopped = null;
        try (Source selection = source.select(targetDigest, target.digestUrl());
                ReadAhead ahead = new ReadAhead(selection)) {
            Page page = selection.first(pageSize);
            while (true) {
                SyncFeed feed = page.feed();
                // The source writes the next page while the target applies this one.
                ahead.ask(feed.next() == null ? null : page);
                pages++;
                entries += feed.entries().size();
                int unapplied = 0;
                SyncFeed.Entry firstUnapplied = null;
                if (!feed.entries().isEmpty() || feed.next() == null) {
                    for (SyncFeed.Entry entry : target.apply(page).entries()) {
                        SyncFeed.Outcome outcome = entry.outcome();
                        int status = outcome == null ? 500 : outcome.status();
                        if (status >= 500) {
                            failed++;
                            if (unapplied++ == 0) {
                                firstUnapplied = entry;
                            }
                        } else if (status == 409) {
                            lost++;
                        } else if (outcome.notApplied()) {
                            notApplied++;
                        } else if (status < 300) {
                            applied++;
                        } else {
                            failed++;
                        }
                    }
                }
                progress.accept("page " + pages + ": " + feed.entries().size() + " entries");
                if (unapplied > 0) {
                    SyncFeed.Outcome outcome = firstUnapplied.outcome();
                    stopped = "the target did not apply " + unapplied + " entries of page " + pages + " (the first, "
                            + firstUnapplied.uuid() + ": " + (outcome == null ? "no outcome" : outcome.status() + " "
                            + outcome.message()) + ")" + (feed.next() == null ? "" : "; the pass stops there so that"
                            + " they are not passed by") + "; the next pass sends them again";
                    progress.accept(stopped);
                    break;
                }
                if (feed.next() == null) {
                    break;
                }
                page = ahead.take();
            }
        }
        return new Result(pages, entries, applied, notApplied, lost, failed, stopped);
    }

    /**
     * The source's next page, asked for on a thread of its own while the page before is applied;
     * one at a time, in order. Closing it (before the selection closes) stops a read still going.
     */
    private static final class ReadAhead implements AutoCloseable {
        private final Source selection;
        /** Made at the first page that has a next one: a pass of one page starts no thread. */
        private ExecutorService reader;
        private Future<Page> next;

        ReadAhead(Source selection) {
            this.selection = selection;
        }

        /** Starts reading the page after {@code previous}; null: there is none. */
        void ask(Page previous) {
            if (previous == null) {
                next = null;
                return;
            }
            if (reader == null) {
                reader = Executors.newSingleThreadExecutor(r -> {
                    Thread thread = new Thread(r, "sdata-read-ahead");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            next = reader.submit(() -> selection.next(previous));
        }

        /** The page asked for; its read's failure as the read would have thrown it. */
        Page take() {
            try {
                return next.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new PassException("reading the next page failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PassException("interrupted while reading the next page");
            } finally {
                next = null;
            }
        }

        @Override
        public void close() {
            if (next != null) {
                next.cancel(true);
            }
            if (reader == null) {
                return;
            }
            reader.shutdownNow();
            try {
                reader.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
