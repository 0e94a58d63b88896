package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The tree {@link SDataXml#parse} builds reads every document as a namespace-aware DOM does:
 * names, namespaces, attributes, child elements and text (mixed content, CDATA, character
 * references, comments and processing instructions in between) — compared on seeded random
 * documents.
 */
class XmlElementTest {

    private static final String[] NAMESPACES = {null, SDataXml.ATOM, SDataXml.SDATA, SDataXml.SYNC, "urn:contract"};
    private static final String[] PREFIXES = {null, "", "sdata", "sync", "c"};
    private static final String[] NAMES = {"feed", "entry", "payload", "name", "item", "field", "t", "key", "uuid"};

    @Test
    void randomDocumentsReadAsTheDomReadsThem() throws Exception {
        DocumentBuilderFactory dom = DocumentBuilderFactory.newInstance();
        dom.setNamespaceAware(true);
        Random random = new Random(20261205);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder xml = new StringBuilder("<?xml version='1.0' encoding='UTF-8'?>");
            element(xml, random, 0, true);
            byte[] bytes = xml.toString().getBytes(StandardCharsets.UTF_8);
            Element expected = dom.newDocumentBuilder().parse(new ByteArrayInputStream(bytes)).getDocumentElement();
            XmlElement actual = SDataXml.parse(bytes, 1 << 20);
            compare(expected, actual, xml.toString());
        }
    }

    private static void compare(Element expected, XmlElement actual, String document) {
        assertThat(actual.name()).as(document).isEqualTo(expected.getLocalName());
        assertThat(actual.namespace()).as(document).isEqualTo(expected.getNamespaceURI());
        assertThat(actual.text()).as(document).isEqualTo(expected.getTextContent());
        NamedNodeMap attributes = expected.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            if ("http://www.w3.org/2000/xmlns/".equals(attribute.getNamespaceURI())) {
                continue; // declarations are not attributes to the protocol's readers
            }
            String namespace = attribute.getNamespaceURI() == null ? "" : attribute.getNamespaceURI();
            assertThat(actual.attribute(namespace, attribute.getLocalName())).as(document).isEqualTo(attribute.getValue());
            if (namespace.isEmpty()) {
                assertThat(actual.attribute(attribute.getLocalName())).as(document).isEqualTo(expected.getAttribute(attribute.getLocalName()));
            }
        }
        for (String name : NAMES) {
            assertThat(actual.attribute(name) != null).as(document).isEqualTo(expected.hasAttribute(name));
            assertThat(actual.attribute(SDataXml.SDATA, name) != null).as(document)
                    .isEqualTo(expected.hasAttributeNS(SDataXml.SDATA, name));
        }
        List<Element> children = new ArrayList<>();
        for (Node child = expected.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                children.add(e);
            }
        }
        List<XmlElement> actualChildren = actual.elements();
        assertThat(actualChildren).as(document).hasSameSizeAs(children);
        assertThat(actual.firstElement()).as(document).isSameAs(children.isEmpty() ? null : actualChildren.get(0));
        for (int i = 0; i < children.size(); i++) {
            compare(children.get(i), actualChildren.get(i), document);
        }
        for (String name : NAMES) {
            for (String namespace : NAMESPACES) {
                long count = children.stream().filter(e -> name.equals(e.getLocalName())
                        && (namespace == null || namespace.equals(e.getNamespaceURI()))).count();
                assertThat(actual.children(namespace, name)).as(document).hasSize((int) count);
                assertThat(actual.child(namespace, name)).as(document).isSameAs(count == 0 ? null
                        : actual.children(namespace, name).get(0));
            }
        }
    }

    private static void element(StringBuilder xml, Random random, int depth, boolean root) {
        int which = random.nextInt(NAMESPACES.length);
        String prefix = PREFIXES[which];
        String name = NAMES[random.nextInt(NAMES.length)];
        String qualified = prefix == null || prefix.isEmpty() ? name : prefix + ":" + name;
        xml.append('<').append(qualified);
        if (root) {
            xml.append(" xmlns:sdata='").append(SDataXml.SDATA).append("' xmlns:sync='").append(SDataXml.SYNC)
                    .append("' xmlns:c='urn:contract'");
        }
        if (prefix != null && prefix.isEmpty()) {
            xml.append(" xmlns='").append(SDataXml.ATOM).append('\'');
        } else if (prefix == null && random.nextInt(4) == 0) {
            xml.append(" xmlns=''");
        }
        List<String> used = new ArrayList<>();
        for (int a = random.nextInt(4); a > 0; a--) {
            String attribute = (random.nextBoolean() ? "" : random.nextBoolean() ? "sdata:" : "sync:")
                    + NAMES[random.nextInt(NAMES.length)];
            if (!used.contains(attribute)) {
                used.add(attribute);
                xml.append(' ').append(attribute).append("='").append(text(random)).append('\'');
            }
        }
        xml.append('>');
        for (int c = depth >= 5 ? 0 : random.nextInt(5); c > 0; c--) {
            switch (random.nextInt(6)) {
                case 0, 1 -> element(xml, random, depth + 1, false);
                case 2 -> xml.append(text(random));
                case 3 -> xml.append("<![CDATA[").append(random.nextBoolean() ? "a < b & c" : " ").append("]]>");
                case 4 -> xml.append(random.nextBoolean() ? "<!-- note -->" : "<?pi data?>");
                default -> xml.append(random.nextBoolean() ? "\n  " : "&#x2713;&lt;&amp;");
            }
        }
        xml.append("</").append(qualified).append('>');
    }

    private static String text(Random random) {
        String[] pieces = {"", " ", "x", "Zoë", "a&amp;b", "&lt;tag&gt;", "&#65;", "  spaced  ", "\t", "&quot;"};
        return pieces[random.nextInt(pieces.length)] + pieces[random.nextInt(pieces.length)];
    }
}
