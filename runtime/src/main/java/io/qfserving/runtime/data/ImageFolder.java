package io.qfserving.runtime.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A labelled image dataset laid out as one folder per class, the folder name being the class id
 * (an ImageNet synset for Imagenette). Classes are indexed in sorted folder order.
 */
public record ImageFolder(Path root, List<String> classes, List<Sample> samples) {

    public record Sample(Path path, int label) {}

    public static ImageFolder scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("dataset folder does not exist: " + root);
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> classDirs = dirs.filter(Files::isDirectory).sorted().toList();
            List<String> classes = classDirs.stream().map(p -> p.getFileName().toString()).toList();
            List<Sample> samples = new ArrayList<>();
            for (int label = 0; label < classDirs.size(); label++) {
                try (Stream<Path> files = Files.list(classDirs.get(label))) {
                    for (Path file : files.filter(ImageFolder::isImage).sorted().toList()) {
                        samples.add(new Sample(file, label));
                    }
                }
            }
            if (classes.size() < 2 || samples.isEmpty()) {
                throw new IllegalArgumentException("need at least two class folders with images under " + root);
            }
            return new ImageFolder(root, classes, List.copyOf(samples));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + root, e);
        }
    }

    /** Up to {@code perClass} images of each class, drawn at random with {@code seed}; class order kept. */
    public ImageFolder sample(int perClass, long seed) {
        Random random = new Random(seed);
        List<Sample> chosen = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            int c = label;
            List<Sample> ofClass = new ArrayList<>(samples.stream().filter(s -> s.label() == c).toList());
            Collections.shuffle(ofClass, random);
            chosen.addAll(ofClass.subList(0, Math.min(perClass, ofClass.size())));
        }
        return new ImageFolder(root, classes, List.copyOf(chosen));
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
    }
}
