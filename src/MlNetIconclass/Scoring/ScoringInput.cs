using System.Runtime.CompilerServices;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Scoring;

/// <summary>
/// One input row: its position in the dump, and its record or why there is none; and what was wrong with the row that
/// did not stop it being read.
/// </summary>
public sealed record InputRow(long Row, string Id, ArtworkRecord? Record, string? Error, string? Warning = null);

/// <summary>
/// A unit of work: a Parquet row group, or a run of rows of a text dump. Resuming and sharding count these.
/// </summary>
public sealed record InputChunk(int Index, IReadOnlyList<InputRow> Rows);

/// <summary>
/// A collection dump read a chunk at a time: Parquet files (one chunk per row group; a folder's files in name order)
/// or a CSV, TSV or JSON Lines file through an import column mapping (one chunk per <c>chunkSize</c> rows).
/// Chunks not wanted are skipped without decoding where the format allows (Parquet).
/// </summary>
public abstract class ScoringInput
{
    /// <summary>The files the dump is read from, as full paths.</summary>
    public abstract IReadOnlyList<string> Files { get; }

    /// <summary>The folder whose every Parquet file is the dump, when the dump is given as one.</summary>
    public virtual string? Folder => null;

    /// <summary>
    /// What identifies the dump in a run's fingerprint: its files and their sizes, and how they are read.
    /// </summary>
    public abstract IReadOnlyList<string> Describe();

    /// <summary>
    /// Checks the dump before any work starts (its files exist and are readable, a Parquet file has the artwork
    /// columns), and says how many rows it holds when the format tells without reading it all.
    /// </summary>
    public abstract Task<long?> CheckAsync(CancellationToken cancellation);

    public abstract IAsyncEnumerable<InputChunk> ReadAsync(Func<int, bool> wanted, CancellationToken cancellation);

    /// <summary>
    /// What the last read found of the texts whose language it detected (<c>auto</c> columns), by language.
    /// </summary>
    public virtual ImportReport? Import => null;

    public static ScoringInput Parquet(string fileOrFolder) => new ParquetInput(fileOrFolder);

    public static ScoringInput Text(
        string path,
        SourceFormat format,
        ColumnMapping mapping,
        CollectionImporter importer,
        int chunkSize
    ) => new TextInput(path, format, mapping, importer, chunkSize);

    private sealed class ParquetInput(string fileOrFolder) : ScoringInput
    {
        private readonly string[] _files = FilesOf(fileOrFolder);

        private static string[] FilesOf(string fileOrFolder)
        {
            var files = Directory.Exists(fileOrFolder)
                ? Directory.GetFiles(fileOrFolder, "*.parquet").Order(StringComparer.Ordinal).ToArray()
                : [fileOrFolder];
            if (files.Length == 0)
                throw new FileNotFoundException($"The folder '{fileOrFolder}' holds no .parquet file.", fileOrFolder);
            return files.Select(Path.GetFullPath).ToArray();
        }

        public override IReadOnlyList<string> Files => _files;

        public override string? Folder { get; } = Directory.Exists(fileOrFolder) ? fileOrFolder : null;

        public override IReadOnlyList<string> Describe() =>
            _files.Select(file => $"{file} ({new FileInfo(file).Length:N0} bytes)").ToArray();

        /// <summary>
        /// Every file must be an artwork collection: a file with other columns (a scored output fed back in) would be
        /// read as records without text, and every row ranked on nothing.
        /// </summary>
        public override async Task<long?> CheckAsync(CancellationToken cancellation)
        {
            long rows = 0;
            foreach (var file in _files)
            {
                var footer = await ParquetRowGroups.ReadFooterAsync(file, cancellation);
                var missing = new[] { "id", "titles" }.Except(footer.Columns).ToArray();
                if (missing.Length > 0)
                    throw new InvalidDataException(
                        $"'{file}' is not an artwork collection: it has no "
                            + $"{string.Join(" or ", missing.Select(c => $"'{c}'"))} "
                            + $"column (its columns: {string.Join(", ", footer.Columns)}); "
                            + "`iconclass import` writes the schema"
                    );
                rows += footer.RowGroupSizes.Sum();
            }
            return rows;
        }

        public override async IAsyncEnumerable<InputChunk> ReadAsync(
            Func<int, bool> wanted,
            [EnumeratorCancellation] CancellationToken cancellation
        )
        {
            int index = 0;
            long firstRow = 0;
            foreach (var file in _files)
            {
                string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
                var sizes = await ArtworkParquet.RowGroupSizesAsync(file, cancellation);
                for (int group = 0; group < sizes.Length; group++)
                {
                    if (wanted(index))
                        yield return new InputChunk(
                            index,
                            await ReadGroupAsync(file, folder, group, firstRow, sizes[group], cancellation)
                        );
                    index++;
                    firstRow += sizes[group];
                }
            }
        }

        private static async Task<IReadOnlyList<InputRow>> ReadGroupAsync(
            string file,
            string folder,
            int group,
            long firstRow,
            long size,
            CancellationToken cancellation
        )
        {
            try
            {
                var records = await ArtworkParquet.ReadRowGroupAsync(file, group, cancellation);
                return records
                    .Select(
                        (record, i) =>
                        {
                            ArtworkParquet.ResolveImage(record, folder);
                            return new InputRow(firstRow + i, record.Id, record, null);
                        }
                    )
                    .ToArray();
            }
            catch (InvalidDataException exception)
            {
                // The footer still says how many rows the group holds: each gets the error, so none goes missing.
                return Enumerable
                    .Range(0, (int)size)
                    .Select(i => new InputRow(firstRow + i, "", null, exception.Message))
                    .ToArray();
            }
        }
    }

    private sealed class TextInput(
        string path,
        SourceFormat format,
        ColumnMapping mapping,
        CollectionImporter importer,
        int chunkSize
    ) : ScoringInput
    {
        private ImportReport? _import;

        public override IReadOnlyList<string> Files { get; } = [Path.GetFullPath(path)];

        public override ImportReport? Import => _import;

        public override IReadOnlyList<string> Describe() =>
            [
                $"{Files[0]} ({new FileInfo(Files[0]).Length:N0} bytes)",
                $"format {format}",
                $"mapping {System.Text.Json.JsonSerializer.Serialize(mapping)}",
                $"chunks of {chunkSize:N0} rows",
            ];

        /// <summary>
        /// The file exists and its header has the mapping's id column: the first row is read to know.
        /// </summary>
        public override Task<long?> CheckAsync(CancellationToken cancellation)
        {
            _ = importer.ReadRows(path, format, mapping, new ImportReport()).FirstOrDefault();
            return Task.FromResult<long?>(null);
        }

        public override async IAsyncEnumerable<InputChunk> ReadAsync(
            Func<int, bool> wanted,
            [EnumeratorCancellation] CancellationToken cancellation
        )
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            long row = 0;
            int index = 0;
            var import = _import = new ImportReport();
            foreach (var rows in importer.ReadRows(path, format, mapping, import).Chunk(chunkSize))
            {
                cancellation.ThrowIfCancellationRequested();
                if (wanted(index))
                    yield return new InputChunk(
                        index,
                        rows.Select(imported =>
                            {
                                if (imported.Record is { } record)
                                    ArtworkParquet.ResolveImage(record, folder);
                                return new InputRow(
                                    row++,
                                    imported.Record?.Id ?? imported.Problem?.RecordId ?? "",
                                    imported.Record,
                                    imported.Problem?.ToString(),
                                    imported.Warning?.ToString()
                                );
                            })
                            .ToArray()
                    );
                else
                    row += rows.Length;
                index++;
                await Task.Yield();
            }
        }
    }
}
