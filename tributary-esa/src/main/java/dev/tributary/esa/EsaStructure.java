package dev.tributary.esa;

/** A structure (table, folder, class…) as {@code getStructureList} names it. */
public record EsaStructure(String name, String label) {

    public XmlNode toNode() {
        XmlNode node = XmlNode.text("structure", "").with("name", name);
        return label == null ? node : node.with("label", label);
    }

    public static EsaStructure of(XmlNode node) {
        return new EsaStructure(node.attribute("name").orElseThrow().strip(), node.attribute("label").orElse(null));
    }
}
