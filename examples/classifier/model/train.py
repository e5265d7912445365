"""Train the image classifier and export a versioned SavedModel.

The model is NOT committed to Git (the seed document kept `model/model.h5` in the repo):
it is uploaded to versioned object storage and the manifests pin that version, so a
model change is a reviewed one-line diff that Ferry summarises as "model v1 → v2".

Usage: python model/train.py --version v2 --out s3://ferry-example-models/classifier
"""

import argparse
import os

import tensorflow as tf

IMAGE_SIZE = (224, 224)
CLASSES = 10


def build_model() -> tf.keras.Model:
    base = tf.keras.applications.MobileNetV2(
        input_shape=IMAGE_SIZE + (3,), include_top=False, weights="imagenet"
    )
    base.trainable = False
    inputs = tf.keras.Input(shape=IMAGE_SIZE + (3,))
    x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = tf.keras.layers.Dense(CLASSES, activation="softmax")(x)
    return tf.keras.Model(inputs, outputs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/")
    parser.add_argument("--version", required=True, help="model version, e.g. v2")
    parser.add_argument("--out", default="s3://ferry-example-models/classifier")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    train = tf.keras.utils.image_dataset_from_directory(
        os.path.join(args.data, "train"), image_size=IMAGE_SIZE, batch_size=32
    )
    val = tf.keras.utils.image_dataset_from_directory(
        os.path.join(args.data, "val"), image_size=IMAGE_SIZE, batch_size=32
    )
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, validation_data=val, epochs=args.epochs)

    # KServe's TensorFlow runtime serves a SavedModel from <storageUri>/<numeric version>/.
    export_dir = f"{args.out}/{args.version}/1"
    model.export(export_dir)
    print(f"exported {export_dir}; set storageUri to {args.out}/{args.version} in deploy/base")


if __name__ == "__main__":
    main()
