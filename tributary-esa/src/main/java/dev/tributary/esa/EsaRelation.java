package dev.tributary.esa;

/** A relation: {@code field} of this structure holds ids of records of {@code target}. */
public record EsaRelation(String name, String field, String target, String label) {

    public XmlNode toNode() {
        XmlNode node = XmlNode.text("relation", "").with("name", name).with("field", field).with("target", target);
        return label == null ? node : node.with("label", label);
    }

    public static EsaRelation of(XmlNode node) {
        return new EsaRelation(node.attribute("name").orElseThrow().strip(), node.attribute("field").orElseThrow().strip(),
                node.attribute("target").orElseThrow().strip(), node.attribute("label").orElse(null));
    }
}
