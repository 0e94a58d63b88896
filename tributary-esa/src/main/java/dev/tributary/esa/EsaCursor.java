package dev.tributary.esa;

/**
 * A cursor for a paged read: {@code pages} pages of at most {@code pageSize} entries, read with
 * {@code readDataPage(id, 0 … pages-1)} and released with {@code closeCursor(id)}.
 *
 * @param records true when its pages hold records, false when they hold ids
 */
public record EsaCursor(String id, int pages, int pageSize, Long total, boolean records) {

    public XmlNode toNode() {
        XmlNode node = XmlNode.text("cursor", "").with("id", id).with("pages", Integer.toString(pages))
                .with("page-size", Integer.toString(pageSize));
        if (total != null) {
            node = node.with("total", total.toString());
        }
        return node.with("kind", records ? "records" : "ids");
    }

    public static EsaCursor of(XmlNode node) {
        return new EsaCursor(node.attribute("id").orElseThrow().strip(), Integer.parseInt(node.attribute("pages").orElseThrow()),
                Integer.parseInt(node.attribute("page-size").orElseThrow()),
                node.attribute("total").map(Long::valueOf).orElse(null), "records".equals(node.attribute("kind").orElse("")));
    }
}
