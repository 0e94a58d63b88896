package dev.tributary.esa;

import java.util.ArrayList;
import java.util.List;

/**
 * An ESA parameter: a setting of the external system that the hub stores and serves back through
 * the Helper API's {@code getParameter}.
 *
 * @param type string, integer, boolean or secret
 * @param allowed the values allowed, or empty for any
 * @param defaults the values used when none is set
 */
public record EsaParameter(String name, String type, String label, String description, boolean required,
        boolean multiValued, List<String> allowed, List<String> defaults) {

    public EsaParameter {
        allowed = List.copyOf(allowed);
        defaults = List.copyOf(defaults);
    }

    public XmlNode toNode() {
        List<XmlNode> children = new ArrayList<>();
        allowed.forEach(v -> children.add(XmlNode.text("allowed", v)));
        defaults.forEach(v -> children.add(XmlNode.text("default", v)));
        XmlNode node = XmlNode.of("esa-parameter", children).with("name", name).with("type", type);
        if (label != null) {
            node = node.with("label", label);
        }
        if (description != null) {
            node = node.with("description", description);
        }
        return node.with("required", Boolean.toString(required)).with("multi-valued", Boolean.toString(multiValued));
    }

    public static EsaParameter of(XmlNode node) {
        return new EsaParameter(node.attribute("name").orElseThrow().strip(), node.attribute("type").orElseThrow(),
                node.attribute("label").orElse(null), node.attribute("description").orElse(null),
                EsaField.flag(node, "required"), EsaField.flag(node, "multi-valued"),
                node.all("allowed").stream().map(XmlNode::text).toList(),
                node.all("default").stream().map(XmlNode::text).toList());
    }
}
