// ConnId contract-suite settings for Tributary's JDBC connector bundle. The suites find this file
// by the connector's class name (system property connectorName, set by the build).
//
// The table (see ContractDatabase): people(id BIGSERIAL key, name, email, age INTEGER,
// balance NUMERIC(12,2), active BOOLEAN, born DATE, seen_at TIMESTAMP, photo BYTEA, notes TEXT),
// with the connector's own change tracking installed (change-log column, triggers, tracking table).

testsuite {
    // Where the bundle is and which connector in it to test; the build passes these in.
    bundleJar = System.getProperty("bundleJar")
    bundleName = System.getProperty("bundleName")
    bundleVersion = System.getProperty("bundleVersion")
    connectorName = System.getProperty("connectorName")

    // Only the table's object class; the suites add a non-existing one themselves where it matters.
    objectClasses = ["people"]

    Schema {
        strictCheck = true
        oclasses = ["people"]
        attributes.people.oclasses = ["__NAME__", "name", "email", "age", "balance", "active", "born",
                                      "seen_at", "photo", "notes"]
        __NAME__.attribute.people.oclasses = [type: String.class, readable: true, createable: false,
                updateable: false, required: false, multiValue: false, returnedByDefault: true]
        name.attribute.people.oclasses = [type: String.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        email.attribute.people.oclasses = [type: String.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        age.attribute.people.oclasses = [type: Long.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        balance.attribute.people.oclasses = [type: java.math.BigDecimal.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        active.attribute.people.oclasses = [type: Boolean.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        // ConnId has no date type: a DATE column is ISO text (yyyy-MM-dd).
        born.attribute.people.oclasses = [type: String.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        seen_at.attribute.people.oclasses = [type: java.time.ZonedDateTime.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        photo.attribute.people.oclasses = [type: byte[].class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        notes.attribute.people.oclasses = [type: String.class, readable: true, createable: true,
                updateable: true, required: false, multiValue: false, returnedByDefault: true]
        // ConnId 1.6 lists only object-class operations here (not Test, Validate, Schema or scripts).
        operations = [
            CreateApiOp: ["people"], UpdateApiOp: ["people"],
            DeleteApiOp: ["people"], SearchApiOp: ["people"], GetApiOp: ["people"], SyncApiOp: ["people"]
        ]
    }

    // Each map replaces some of the good settings below with bad ones; test() and validate() must refuse.
    Test.invalidConfig = [
        [url: "jdbc:postgresql://127.0.0.1:1/nothing-listens-here"],
        [tables: ["no_such_table"] as String[]],
        [changeDetection: "sometimes"]
    ]
    Validate.invalidConfig = [
        [url: "ftp://example.com/not-a-database"],
        [changeDetection: "sometimes"],
        [batchSize: 0],
        [tables: [] as String[]]
    ]
}

connector {
    // A PostgreSQL schema made for this run (ContractDatabase publishes its URL).
    url = System.getProperty("tributary.contract.url")
    tables = ["people"] as String[]
    installTriggers = true
}

// Values for columns whose text has a format the random defaults cannot meet.
born = "1987-06-05"
