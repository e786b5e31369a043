using System.IO.Compression;

namespace MlNetIconclass.Thesaurus;

/// <summary>
/// Where the official Iconclass data files are read from: the zip the project ships under <c>data/iconclass/</c>,
/// or a folder laid out like the upstream repository (<c>notations.txt</c>, <c>keys.txt</c>, <c>txt/</c>, <c>kw/</c>).
/// </summary>
internal abstract class ThesaurusSource
{
    /// <summary>Paths relative to the data root, with forward slashes.</summary>
    public abstract IReadOnlyList<string> Files { get; }

    /// <summary>Opens one file. Safe to call from several threads at once.</summary>
    public abstract Stream Open(string path);

    public static ThesaurusSource From(string path)
    {
        if (Directory.Exists(path))
            return new FolderSource(path);
        if (File.Exists(path))
            return new ZipSource(path);
        throw new FileNotFoundException($"Iconclass data not found at '{path}' (expected a .zip or a folder).", path);
    }

    private sealed class FolderSource(string root) : ThesaurusSource
    {
        public override IReadOnlyList<string> Files { get; } =
            Directory
                .EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
                .ToArray();

        public override Stream Open(string path) => File.OpenRead(Path.Combine(root, path));
    }

    private sealed class ZipSource : ThesaurusSource
    {
        private readonly string _zipPath;

        public ZipSource(string zipPath)
        {
            _zipPath = zipPath;
            try
            {
                using var archive = ZipFile.OpenRead(zipPath);
                Files = archive.Entries.Where(entry => entry.Name.Length > 0).Select(entry => entry.FullName).ToArray();
            }
            catch (InvalidDataException exception)
            {
                throw new InvalidDataException(
                    $"'{zipPath}' is not a readable zip of the Iconclass data: {exception.Message}",
                    exception
                );
            }
        }

        public override IReadOnlyList<string> Files { get; }

        // Each caller gets its own archive handle: ZipArchive is not thread-safe, and opening one is cheap.
        public override Stream Open(string path)
        {
            var archive = ZipFile.OpenRead(_zipPath);
            var entry = archive.GetEntry(path) ?? throw new FileNotFoundException($"'{path}' is not in '{_zipPath}'.");
            return new OwningStream(entry.Open(), archive);
        }
    }

    /// <summary>A read stream that also disposes the archive it came from.</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                owner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
