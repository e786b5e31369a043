using System.Runtime.CompilerServices;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Scoring;

/// <summary>One input row: its position in the dump, and its record or why there is none.</summary>
public sealed record InputRow(long Row, string Id, ArtworkRecord? Record, string? Error);

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
    /// <summary>Rows in the dump, when the format says without reading it all.</summary>
    public abstract Task<long?> CountRowsAsync(CancellationToken cancellation);

    public abstract IAsyncEnumerable<InputChunk> ReadAsync(Func<int, bool> wanted, CancellationToken cancellation);

    public static ScoringInput Parquet(string fileOrFolder) => new ParquetInput(fileOrFolder);

    public static ScoringInput Text(
        string path,
        SourceFormat format,
        ColumnMapping mapping,
        CollectionImporter importer,
        int chunkSize
    ) => new TextInput(path, format, mapping, importer, chunkSize);

    private sealed class ParquetInput : ScoringInput
    {
        private readonly string[] _files;

        public ParquetInput(string fileOrFolder)
        {
            _files = Directory.Exists(fileOrFolder)
                ? Directory.GetFiles(fileOrFolder, "*.parquet").Order(StringComparer.Ordinal).ToArray()
                : [fileOrFolder];
            if (_files.Length == 0)
                throw new FileNotFoundException($"The folder '{fileOrFolder}' holds no .parquet file.", fileOrFolder);
        }

        public override async Task<long?> CountRowsAsync(CancellationToken cancellation)
        {
            long rows = 0;
            foreach (var file in _files)
                rows += (await ArtworkParquet.RowGroupSizesAsync(file, cancellation)).Sum();
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
        public override Task<long?> CountRowsAsync(CancellationToken cancellation) => Task.FromResult<long?>(null);

        public override async IAsyncEnumerable<InputChunk> ReadAsync(
            Func<int, bool> wanted,
            [EnumeratorCancellation] CancellationToken cancellation
        )
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            long row = 0;
            int index = 0;
            foreach (var rows in importer.ReadRows(path, format, mapping, new ImportReport()).Chunk(chunkSize))
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
                                    imported.Problem?.ToString()
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
