package dev.tributary.esa;

/**
 * A cursor for a paged read: {@code pages} pages of at most {@code pageSize} entries, read with
 * {@code readDataPage(id, 0 … pages-1)} and released with {@code closeCursor(id)}.
 *
 * @param records true when its pages hold records, false when they hold ids
 * @param oldestFirst true when its pages hold the records oldest first, by {@code modified-at}
 *     (records without one first): a Tributary extension, {@code order="oldest-first"}
 */
public record EsaCursor(String id, int pages, int pageSize, Long total, boolean records, boolean oldestFirst) {

    /** A cursor that promises no order. */
    public EsaCursor(String id, int pages, int pageSize, Long total, boolean records) {
        this(id, pages, pageSize, total, records, false);
    }

    public XmlNode toNode() {
        XmlNode node = XmlNode.text("cursor", "").with("id", id).with("pages", Integer.toString(pages))
                .with("page-size", Integer.toString(pageSize));
        if (total != null) {
            node = node.with("total", total.toString());
        }
        node = node.with("kind", records ? "records" : "ids");
        return oldestFirst ? node.with("order", "oldest-first") : node;
    }

    public static EsaCursor of(XmlNode node) {
        return new EsaCursor(node.attribute("id").orElseThrow().strip(), Integer.parseInt(node.attribute("pages").orElseThrow()),
                Integer.parseInt(node.attribute("page-size").orElseThrow()),
                node.attribute("total").map(Long::valueOf).orElse(null), "records".equals(node.attribute("kind").orElse("")),
                "oldest-first".equals(node.attribute("order").map(String::strip).orElse("")));
    }
}
