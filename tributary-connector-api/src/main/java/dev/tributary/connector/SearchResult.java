package dev.tributary.connector;

/**
 * The end of one page of a search.
 *
 * @param pagedResultsCookie where the next page starts, or null when this was the last page
 */
public record SearchResult(String pagedResultsCookie) {

    public static final SearchResult LAST_PAGE = new SearchResult(null);

    public boolean hasMore() {
        return pagedResultsCookie != null;
    }
}
