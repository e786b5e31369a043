using MlNetIconclass.Collections;
using SkiaSharp;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// A dump whose every record has a large photograph (4000 x 3000 JPEG, 12 megapixels decoded), for the peak memory of
/// <c>iconclass score</c> with a model that reads images: all of a ranking batch's images are distinct files.
/// </summary>
public static class LargeImageDump
{
    private const int Width = 4000;
    private const int Height = 3000;
    private const int DistinctPictures = 8;

    /// <summary><c>make-image-dump COUNT FOLDER</c>: writes the images and FOLDER/dump.parquet.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int count = int.Parse(args[1]);
        string folder = Directory.CreateDirectory(args[2]).FullName;
        var pictures = Enumerable.Range(0, DistinctPictures).Select(i => WritePicture(folder, i)).ToArray();
        var sample = await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname);
        var records = new List<ArtworkRecord>();
        for (int i = 0; i < count; i++)
        {
            // Copies under their own names: the scorer decodes each distinct reference.
            string name = $"photo-{i:D5}.jpg";
            File.Copy(pictures[i % DistinctPictures], Path.Combine(folder, name), overwrite: true);
            records.Add(
                new ArtworkRecord
                {
                    Id = $"large-{i}",
                    Titles = sample[i % sample.Count].Titles,
                    Image = name,
                }
            );
        }
        await ArtworkParquet.WriteAsync(records, Path.Combine(folder, "dump.parquet"));
        Console.WriteLine($"wrote {folder}/dump.parquet: {count} records, each with a {Width} x {Height} image");
        return 0;
    }

    /// <summary>A gradient with noise, so that the JPEG has a photograph's size rather than a flat colour's.</summary>
    private static string WritePicture(string folder, int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pixels = new byte[Width * Height * 4];
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            int offset = (y * Width + x) * 4;
            pixels[offset] = (byte)(x * 255 / Width + random.Next(32));
            pixels[offset + 1] = (byte)(y * 255 / Height + random.Next(32));
            pixels[offset + 2] = (byte)(seed * 30 + random.Next(32));
            pixels[offset + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        string path = Path.Combine(folder, $"picture-{seed}.jpg");
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 85);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
