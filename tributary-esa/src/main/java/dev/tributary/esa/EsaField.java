package dev.tributary.esa;

/**
 * An ExternalField: one field of a structure, as {@code getFieldList} describes it.
 *
 * @param type string, text, integer, decimal, boolean, date, datetime, time or binary
 */
public record EsaField(String name, String type, String label, boolean required, boolean readOnly,
        boolean multiValued, Integer maxLength) {

    public XmlNode toNode() {
        XmlNode node = XmlNode.text("field", "").with("name", name).with("type", type);
        if (label != null) {
            node = node.with("label", label);
        }
        node = node.with("required", Boolean.toString(required)).with("read-only", Boolean.toString(readOnly))
                .with("multi-valued", Boolean.toString(multiValued));
        return maxLength == null ? node : node.with("max-length", maxLength.toString());
    }

    public static EsaField of(XmlNode node) {
        return new EsaField(node.attribute("name").orElseThrow().strip(), node.attribute("type").orElseThrow(),
                node.attribute("label").orElse(null), flag(node, "required"), flag(node, "read-only"),
                flag(node, "multi-valued"), node.attribute("max-length").map(Integer::valueOf).orElse(null));
    }

    static boolean flag(XmlNode node, String attribute) {
        String value = node.attribute(attribute).orElse("false").strip();
        return value.equals("true") || value.equals("1");
    }
}
