using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Collections;

public class CollectionImporterTests
{
    private static readonly CollectionImporter Importer = new(BundledThesaurus.Instance);

    private static readonly ColumnMapping Mapping = new()
    {
        Id = "id",
        Titles = [new LanguageColumn("nl", "titel"), new LanguageColumn("en", "title")],
        Descriptions = [new LanguageColumn("nl", "beschrijving")],
        Codes = ["codes"],
        CodesSeparator = "|",
    };

    private static (List<ArtworkRecord> Records, ImportReport Report) Import(
        string path,
        SourceFormat format,
        ColumnMapping mapping
    )
    {
        var report = new ImportReport();
        return (Importer.Read(path, format, mapping, report).ToList(), report);
    }

    [Fact]
    public void AnAutoColumnTakesEachTextsDetectedLanguageAndTheReportCountsThem()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "c.csv",
            "id,title\n"
                + "1,Gezicht op de plantage aan de rivier\n"
                + "2,Portret van een vrouw met een waaier\n"
                + "3,The adoration of the kings in the stable\n"
                + "4,1643\n"
        );
        var mapping = new ColumnMapping { Id = "id", Titles = [ColumnMapping.ParseLanguageColumn("auto=title")] };
        var (records, report) = Import(path, SourceFormat.Csv, mapping);

        Assert.Equal(["nl", "nl", "en", "en"], records.Select(r => r.Titles.Single().Language));
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["en"] = 1,
                ["nl"] = 2,
                [ImportReport.NoLanguage] = 1,
            },
            report.DetectedLanguages
        );
        Assert.Equal("nl 2, en 1, none 1", report.DetectedLanguagesLine());
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void ImportsCsvWithAColumnMapping()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "c.csv",
            "id,titel,title,beschrijving,codes\n"
                + "1,Gezicht op Paramaribo,View of Paramaribo,Een rivier,25I1(PARAMARIBO)|46C232\n"
                + "2,Een leeuw,,,\"25F23(LION)(+46):31A\"\n"
        );
        var (records, report) = Import(path, SourceFormat.Csv, Mapping);

        Assert.Equal(2, report.RecordsWritten);
        Assert.Equal(
            new[] { "nl:Gezicht op Paramaribo", "en:View of Paramaribo" },
            records[0].Titles.Select(t => $"{t.Language}:{t.Text}")
        );
        Assert.Equal(new[] { "25I1(PARAMARIBO)", "46C232" }, records[0].Codes);
        Assert.Empty(records[1].Descriptions);
        Assert.Equal(new[] { "25F23(LION)(+46):31A" }, records[1].Codes);
        Assert.Equal(3, report.DistinctCodes.Count);
    }

    [Fact]
    public void BadNotationIsDroppedWithRecordAndFieldAndTheRestGoesThrough()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "t.tsv",
            "id\ttitel\ttitle\tbeschrijving\tcodes\n"
                + "1\tLeeuw\t\t\t25F23(LION)|25f 23|99Z99\n"
                + "2\tHond\t\t\t34B11\n"
        );
        var (records, report) = Import(path, SourceFormat.Tsv, Mapping);

        Assert.Equal(2, records.Count);
        Assert.Equal(new[] { "25F23(LION)", "99Z99" }, records[0].Codes);
        var dropped = Assert.Single(report.DroppedCodes);
        Assert.Equal("1", dropped.RecordId);
        Assert.Contains("codes (column 'codes')", dropped.ToString());
        Assert.Contains("'25f 23'", dropped.Reason);
        var unresolvable = Assert.Single(report.UnresolvableCodes);
        Assert.Contains("99Z99", unresolvable.Reason);
    }

    [Fact]
    public void AKeyTheThesaurusCannotPlaceIsReportedAndTheCodeKept()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "k.tsv",
            "id\ttitel\ttitle\tbeschrijving\tcodes\n1\tKruisiging\t\t\t73D6(+zz9)|71X1(Ps. 1)1\n"
        );
        var (records, report) = Import(path, SourceFormat.Tsv, Mapping);

        Assert.Equal(new[] { "73D6(+zz9)", "71X1(Ps. 1)1" }, Assert.Single(records).Codes);
        var unplaced = Assert.Single(report.UnresolvableCodes);
        Assert.Equal("1", unplaced.RecordId);
        Assert.Contains("'73D6(+zz9)': the thesaurus cannot place its name or key", unplaced.Reason);
        Assert.Contains("'73D6'", unplaced.Reason);
    }

    [Fact]
    public void EmptyTitleRejectsTheRecordNamingRecordAndField()
    {
        using var folder = new TempFolder();
        var path = folder.Write("c.csv", "id,titel,title,beschrijving,codes\n1,,,beschrijving,31A\n2,Titel,,,31A\n");
        var (records, report) = Import(path, SourceFormat.Csv, Mapping);

        Assert.Equal("2", Assert.Single(records).Id);
        var rejected = Assert.Single(report.Rejected);
        Assert.Equal("1", rejected.RecordId);
        Assert.Contains("title (column 'titel', 'title')", rejected.ToString());
        Assert.Contains("empty", rejected.Reason);
    }

    [Fact]
    public void MissingMappedColumnIsNamedAndOtherRecordsGoThrough()
    {
        using var folder = new TempFolder();
        // No 'title' (en) column; the second row also lacks its last fields.
        var path = folder.Write(
            "c.csv",
            "id,titel,beschrijving,codes\n1,Leeuw,Een leeuw,25F23(LION)\n2,Hond\n3,Kat,,34B12\n"
        );
        var (records, report) = Import(path, SourceFormat.Csv, Mapping);

        Assert.Contains(report.Warnings, w => w.Contains("no column 'title'") && w.Contains("title (en)"));
        Assert.Equal(new[] { "1", "3" }, records.Select(r => r.Id));
        var rejected = Assert.Single(report.Rejected);
        Assert.Equal("2", rejected.RecordId);
        Assert.Contains("2 fields where the header has 4", rejected.Reason);
    }

    [Fact]
    public void MissingIdColumnStopsWithTheColumnsListed()
    {
        using var folder = new TempFolder();
        var path = folder.Write("c.csv", "objectnummer,titel\n1,Leeuw\n");
        var error = Assert.Throws<InvalidDataException>(() => Import(path, SourceFormat.Csv, Mapping));
        Assert.Contains("no column 'id'", error.Message);
        Assert.Contains("objectnummer, titel", error.Message);
    }

    [Fact]
    public void JsonLinesWithABrokenLineAndADuplicateId()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "r.jsonl",
            "{\"id\": \"a\", \"titel\": [\"Leeuw\", \"Liggende leeuw\"], \"codes\": [\"25F23(LION)\"]}\n"
                + "{\"id\": \"b\", \"titel\": \n"
                + "{\"id\": \"a\", \"titel\": \"Nog een leeuw\"}\n"
                + "{\"id\": 7, \"titel\": \"Hond\", \"codes\": \"34B11|34B12\"}\n"
        );
        var (records, report) = Import(path, SourceFormat.Jsonl, Mapping);

        Assert.Equal(new[] { "a", "7" }, records.Select(r => r.Id));
        Assert.Equal(2, records[0].Titles.Count);
        Assert.Equal(new[] { "34B11", "34B12" }, records[1].Codes);
        Assert.Equal(2, report.Rejected.Count);
        Assert.Contains("not valid JSON", report.Rejected[0].Reason);
        Assert.Equal(2, report.Rejected[0].Line);
        Assert.Contains("occurs earlier", report.Rejected[1].Reason);
    }

    [Theory]
    [InlineData("nl=titel", "nl", "titel")]
    [InlineData("EN = title", "en", "title")]
    [InlineData("pt-BR=titulo", "pt", "titulo")]
    [InlineData("zh-Hant=biaoti", "zh", "biaoti")]
    [InlineData("AUTO = title", LanguageColumn.Detected, "title")]
    public void ParsesLanguageColumns(string text, string language, string column)
    {
        Assert.Equal(new LanguageColumn(language, column), ColumnMapping.ParseLanguageColumn(text));
    }

    [Theory]
    [InlineData("titel")]
    [InlineData("Dutch=titel")]
    [InlineData("nl=")]
    [InlineData("auto=")]
    public void RejectsMalformedLanguageColumns(string text)
    {
        Assert.Throws<FormatException>(() => ColumnMapping.ParseLanguageColumn(text));
    }

    [Fact]
    public void AJsonLineWithADuplicateKeyIsRejectedAndTheOthersGoThrough()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "r.jsonl",
            "{\"id\": \"a\", \"titel\": \"Leeuw\"}\n"
                + "{\"id\": \"b\", \"titel\": \"Hond\", \"titel\": \"Kat\"}\n"
                + "{\"id\": \"c\", \"titel\": \"Paard\"}\n"
        );
        var (records, report) = Import(path, SourceFormat.Jsonl, Mapping);

        Assert.Equal(["a", "c"], records.Select(r => r.Id));
        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(2, rejected.Line);
        Assert.Contains("the key 'titel' occurs twice", rejected.Reason);
    }

    [Fact]
    public void AnUnclosedQuoteRejectsEveryLineItSwallows()
    {
        using var folder = new TempFolder();
        var path = folder.Write(
            "c.csv",
            "id,titel,codes\n" + "1,Leeuw,25F\n" + "2,\"Hond,34B11\n" + "3,Kat,34B12\n" + "4,Paard,47I\n"
        );
        var (records, report) = Import(path, SourceFormat.Csv, Mapping);

        Assert.Equal(["1"], records.Select(r => r.Id));
        Assert.Equal(4, report.RecordsRead);
        Assert.Equal([3L, 4L, 5L], report.Rejected.Select(p => p.Line));
        Assert.Contains("lines 3-5 were read as one row", report.Rejected[0].Reason);
        Assert.Contains("whose quote (\") is not closed", report.Rejected[2].Reason);
    }

    [Fact]
    public void AQuotedValueOverSeveralLinesIsOneRowAndLaterLinesKeepTheirNumbers()
    {
        using var folder = new TempFolder();
        var path = folder.Write("c.csv", "id,titel,codes\n" + "1,\"Twee\nregels\",25F\n" + "2,,\n");
        var (records, report) = Import(path, SourceFormat.Csv, Mapping);

        Assert.Equal("Twee\nregels", Assert.Single(records).Titles[0].Text);
        Assert.Equal(4, Assert.Single(report.Rejected).Line);
    }

    [Fact]
    public void BytesThatAreNotUtf8AreCountedNamingTheLine()
    {
        using var folder = new TempFolder();
        string path = folder.File("latin1.csv");
        File.WriteAllBytes(path, [.. "id,titel,codes\n1,Leeuw,25F\n2,Caf"u8, 0xE9, .. " aan zee,25F\n"u8]);
        var (records, report) = Import(path, SourceFormat.Csv, Mapping);

        Assert.Equal(2, records.Count);
        var warning = Assert.Single(report.TextWarnings);
        Assert.Equal((3L, "2"), (warning.Line, warning.RecordId));
        Assert.Contains("not UTF-8", warning.Reason);
    }

    [Fact]
    public void ALanguageTheThesaurusLacksIsKeptAndWarnedAbout()
    {
        using var folder = new TempFolder();
        var path = folder.Write("c.csv", "id,titel\n1,Gezicht op Paramaribo\n");
        var mapping = new ColumnMapping { Id = "id", Titles = [new LanguageColumn("xx", "titel")] };
        var (records, report) = Import(path, SourceFormat.Csv, mapping);

        Assert.Equal("xx", Assert.Single(records).Titles[0].Language);
        Assert.Contains(report.Warnings, w => w.Contains("'xx' is not a language of the thesaurus"));
    }

    [Fact]
    public async Task TheOutputIsNeverTheInput()
    {
        using var folder = new TempFolder();
        var path = folder.Write("c.csv", "id,titel\n1,Leeuw\n");
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Importer.ImportAsync(path, SourceFormat.Csv, Mapping, path)
        );
        Assert.Contains("is the input", error.Message);
        Assert.Equal("id,titel\n1,Leeuw\n", File.ReadAllText(path));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            Importer.ImportAsync(path, SourceFormat.Csv, Mapping, folder.File("no/such/out.parquet"))
        );
    }
}
