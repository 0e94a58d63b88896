package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pages are cut by bytes as well as by count: large records never make a page too big to serve. */
class LargeRecordsIT {

    private final TestHub hub = new TestHub(StoreBackend.sqlite());

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void aFullSyncOfLargeRecordsComesInPagesOfBoundedSize() {
        assertThat(hub.put("/v1/collections/big", "{}").status()).isEqualTo(201);
        String text = "x".repeat(3 * 1024 * 1024);
        for (int i = 0; i < 6; i++) {
            Answer put = hub.put("/v1/collections/big/records/r" + i, "{\"data\":{\"text\":\"" + text + "\"}}");
            assertThat(put.status()).as(put.text()).isEqualTo(201);
        }
        // One larger than a page's budget still comes, alone.
        assertThat(hub.put("/v1/collections/big/records/huge", "{\"data\":{\"text\":\"" + "y".repeat(9 * 1024 * 1024)
                + "\"}}").status()).isEqualTo(201);
        List<String> ids = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String path = "/v1/collections/big/records";
        while (true) {
            Answer page = hub.get(path);
            assertThat(page.status()).as("status of %s", path).isEqualTo(200);
            assertThat(page.text().length()).as("a page stays near 8 MiB or holds one record")
                    .satisfiesAnyOf(length -> assertThat(length).isLessThan(9 * 1024 * 1024 + 4096),
                            length -> assertThat(page.json().get("items")).hasSize(1));
            JsonNode items = page.json().get("items");
            pageSizes.add(items.size());
            items.forEach(item -> ids.add(item.get("id").asText()));
            if (!page.json().has("nextPageToken")) {
                assertThat(page.json().has("nextSyncToken")).isTrue();
                break;
            }
            path = "/v1/collections/big/records?pageToken=" + TestHub.encode(page.json().get("nextPageToken").asText());
        }
        assertThat(ids).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "huge");
        assertThat(pageSizes).as("two 3 MiB records per 8 MiB page, the huge one alone").containsExactly(2, 2, 2, 1);
    }
}
