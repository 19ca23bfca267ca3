"""A real S3 implementation for the tests: moto in server mode, started once per run on a free
port of 127.0.0.1 (a thread of the test process, speaking HTTP like any S3 service), and a
fresh bucket for each test that asks for one.

``s3`` makes the bucket the default storage through the settings code production uses
(:func:`delaktig.config.settings.s3_storage`, from the same environment variables), with a key
prefix, so that every upload and download of the test goes through django-storages and boto3
over HTTP. :meth:`Bucket.env` gives another process (gunicorn, the backup scripts) the same
bucket. Registered for every test in conftest.py (``pytest_plugins``); moto and boto3 are
imported only when a test asks for a bucket."""

from __future__ import annotations

import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

REGION: Final = "eu-north-1"
# moto accepts any credentials; these are never real ones.
ACCESS_KEY = "delaktig-test"
SECRET_KEY = "delaktig-test-secret"  # noqa: S105 - a made-up key for the fake S3 service


@dataclass
class Bucket:
    """One bucket in the test's S3 service, with the key prefix Delaktig writes under."""

    endpoint: str
    name: str
    prefix: str

    def env(self) -> dict[str, str]:
        """The environment that points Delaktig's settings at this bucket."""
        return {
            "DELAKTIG_S3_BUCKET": self.name,
            "DELAKTIG_S3_ENDPOINT_URL": self.endpoint,
            "DELAKTIG_S3_REGION": REGION,
            "DELAKTIG_S3_PREFIX": self.prefix,
            "DELAKTIG_S3_ACCESS_KEY": ACCESS_KEY,
            "DELAKTIG_S3_SECRET_KEY": SECRET_KEY,
        }

    @property
    def client(self) -> S3Client:
        return s3_client(self.endpoint)

    def key(self, name: str) -> str:
        """The object key of a name in the storage."""
        return f"{self.prefix}/{name}" if self.prefix else name

    def keys(self) -> list[str]:
        """Every object key in the bucket, sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, name: str) -> bytes:
        """The bytes stored under a name of the storage (read as the bucket's owner)."""
        return self.client.get_object(Bucket=self.name, Key=self.key(name))["Body"].read()

    def anonymous_get(self, name: str) -> int:
        """The HTTP status of an unsigned GET of the object, as a stranger would try it."""
        url = f"{self.endpoint}/{self.name}/{urllib.parse.quote(self.key(name))}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def remove(self) -> None:
        """Delete every object and the bucket."""
        client = self.client
        for key in self.keys():
            client.delete_object(Bucket=self.name, Key=key)
        client.delete_bucket(Bucket=self.name)


def s3_client(endpoint: str) -> S3Client:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def new_bucket(endpoint: str, prefix: str = "delaktig-media") -> Bucket:
    """A new, empty, private bucket."""
    bucket = Bucket(endpoint=endpoint, name=f"delaktig-test-{secrets.token_hex(6)}", prefix=prefix)
    bucket.client.create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return bucket


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The address of moto's S3 server, running for the whole test run."""
    from moto.server import ThreadedMotoServer

    # werkzeug logs every request it serves at INFO.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, settings: Any) -> Iterator[Bucket]:
    """A fresh bucket as the default storage of this test."""
    from delaktig.config.settings import s3_storage

    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(bucket.env())}
    yield bucket
    bucket.remove()
