# An S3-compatible server for tests: moto in server mode on 127.0.0.1, a free port, with one
# bucket. Prints the port once it answers, then serves until killed.
# Arguments: the bucket name.
import logging
import sys
import threading

import boto3
from moto.server import ThreadedMotoServer

bucket = sys.argv[1]
# No request log: nobody reads the server's stderr once it runs.
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
port = server._server.server_port
s3 = boto3.client(
    "s3",
    endpoint_url=f"http://127.0.0.1:{port}",
    region_name="us-east-1",
    aws_access_key_id="moto",
    aws_secret_access_key="moto",
)
s3.create_bucket(Bucket=bucket)
print(port, flush=True)
threading.Event().wait()
